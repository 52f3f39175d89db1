// Report: the filled evaluation workbook, written through SheetIO's libxlsxwriter wrapper.
import Scoring
