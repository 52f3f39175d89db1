import SheetIO

/// Online-form exports (问卷星, 腾讯问卷, 金数据) hold several days in one sheet: by default each
/// row's submission time is its session date. A clerk may keep such a sheet one session.
public enum FormSubmission {
    /// The mapping to read a sign-in sheet with: `split` false drops the submission-time column,
    /// so the sheet is one session; true or nil leaves the mapping as recognised (split).
    public static func mapping(for sheet: some SheetRows, fixed: ColumnMapping?, split: Bool?) -> ColumnMapping? {
        guard split == false, var mapping = fixed ?? HeaderRecognition.recognise(sheet), mapping.matches[.submittedAt] != nil else {
            return fixed
        }
        mapping.matches[.submittedAt] = nil
        return mapping
    }

    /// Whether a sheet read with this mapping is split into sessions by submission date.
    public static func splits(_ mapping: ColumnMapping?) -> Bool {
        mapping?.column(.date) == nil && mapping?.column(.submittedAt) != nil
    }
}
