/// A calendar date and time of day with no time zone, as spreadsheets store them.
///
/// Spreadsheet dates are serial day counts with no zone; converting them through `Date`
/// and a calendar would shift them by the machine's zone, so they stay plain components.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// False for a time of day alone (an Excel serial below 1).
    public var hasDate: Bool

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                hasDate: Bool = true) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
        self.hasDate = hasDate
    }

    public var hasTime: Bool { hour != 0 || minute != 0 || second != 0 }

    /// Largest serial Excel accepts: 9999-12-31 23:59:59.
    static let maximumSerial = 2_958_466.0

    /// Converts an Excel serial number, rounded to the nearest second.
    ///
    /// In the 1900 system Excel counts the non-existent 1900-02-29 as serial 60, so serials
    /// from 61 on are one day "late" against the real calendar; this reproduces Excel's view.
    /// Returns nil for negative serials and those past year 9999.
    public init?(excelSerial serial: Double, uses1904: Bool) {
        guard serial.isFinite, serial >= 0, serial < Self.maximumSerial else { return nil }
        let totalSeconds = Int((serial * 86_400).rounded())
        let days = totalSeconds / 86_400
        let seconds = totalSeconds % 86_400
        let (y, m, d): (Int, Int, Int)
        if uses1904 {
            (y, m, d) = Self.civil(fromDaysSince1970: Self.days1904Epoch + days)
        } else if days == 60 {
            (y, m, d) = (1900, 2, 29)
        } else if days < 60 {
            (y, m, d) = Self.civil(fromDaysSince1970: Self.days1899_12_31 + days)
        } else {
            (y, m, d) = Self.civil(fromDaysSince1970: Self.days1899_12_30 + days)
        }
        self.init(year: y, month: m, day: d, hour: seconds / 3600, minute: seconds / 60 % 60,
                  second: seconds % 60, hasDate: days >= 1)
    }

    /// The Excel serial number of this date-time (1900 system unless `uses1904`).
    public func excelSerial(uses1904: Bool = false) -> Double {
        let time = Double(hour * 3600 + minute * 60 + second) / 86_400
        guard hasDate else { return time }
        let days = Self.daysSince1970(year: year, month: month, day: day)
        let serialDays: Int
        if uses1904 {
            serialDays = days - Self.days1904Epoch
        } else if year == 1900 && month == 2 && day == 29 {
            serialDays = 60
        } else {
            let fromLate = days - Self.days1899_12_30
            serialDays = fromLate >= 61 ? fromLate : days - Self.days1899_12_31
        }
        return Double(serialDays) + time
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` when there is a time, `HH:MM:SS` without a date.
    public var description: String {
        let time = "\(Self.pad(hour)):\(Self.pad(minute)):\(Self.pad(second))"
        guard hasDate else { return time }
        let date = "\(Self.pad(year, width: 4))-\(Self.pad(month))-\(Self.pad(day))"
        return hasTime ? "\(date) \(time)" : date
    }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        (a.year, a.month, a.day, a.hour, a.minute, a.second)
            < (b.year, b.month, b.day, b.hour, b.minute, b.second)
    }

    /// Whether the components name a real calendar day (ignoring Excel's 1900-02-29).
    public var isValidCalendarDate: Bool {
        guard (1...12).contains(month), day >= 1, (0..<24).contains(hour),
              (0..<60).contains(minute), (0..<60).contains(second) else { return false }
        return day <= Self.daysInMonth(year: year, month: month)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static let days1899_12_30 = -25_569
    static let days1899_12_31 = -25_568
    static let days1904Epoch = -24_107

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDaysSince1970 days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func pad(_ value: Int, width: Int = 2) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
