import SheetIO
/// Where a value came from: file, sheet and row, as a clerk finds it again.
public struct Provenance: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var sheet: String
    /// Zero-based row.
    public var row: Int?
    public var column: Int?

    public init(file: String, sheet: String, row: Int? = nil, column: Int? = nil) {
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
    }

    /// `签到表.xlsx「第一期」第 5 行（D 列）`
    public var description: String {
        var text = DisplayPath.fileName(file)
        if !sheet.isEmpty { text += "「\(sheet)」" }
        if let row { text += "第 \(row + 1) 行" }
        if let column { text += "（\(CellReference.columnName(column)) 列）" }
        return text
    }
}

/// Something a clerk should know about the data: an error, a warning or a note.
public struct Finding: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.error, .warning, .note]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public var severity: Severity
    /// A stable identifier, such as `id.precision_lost`.
    public var code: FindingCode
    /// What is wrong and what to do, in Chinese; never a whole ID number or phone.
    public var message: String
    public var provenance: Provenance
    /// The config setting that acts on this finding. Roster names the setting only by what it
    /// does (the message words it in Chinese); the config's own spelling is Scoring's, and the
    /// command line, the workbook and the workbench add it (`Finding.advisedMessage`).
    public var remedy: Remedy?

    /// A config setting a clerk changes in answer to a finding.
    public enum Remedy: Hashable, Sendable {
        /// Write a renamed village's old name and the list's name, in its town.
        case villageAlias(town: String, old: String)
        /// Add a status spelling that means the person left the register.
        case removedStatusValues
        /// Count people matched to the register by name and village only.
        case acceptProbable
        /// Add the file to the input files.
        case addToInputs
        /// Name the file's header row and columns.
        case fixColumns
        /// The per-sheet choices (a sheet skipped by hand).
        case sheetOptions
    }

    public init(_ severity: Severity, _ code: FindingCode, _ message: String, at provenance: Provenance, remedy: Remedy? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.provenance = provenance
        self.remedy = remedy
    }

    public var description: String { "\(provenance)：\(message)" }
}

/// What a finding is about: a stable identifier outside tools and the workbook's 数据问题
/// sheet carry (`id.precision_lost`). Every code Roster reports is listed here.
public enum FindingCode: String, Sendable, CaseIterable {
    case auditAge = "audit.age"
    case auditInactiveAttendee = "audit.inactive_attendee"
    case auditRegion = "audit.region"
    case auditSex = "audit.sex"
    case auditTwoPlaces = "audit.two_places"
    case fileEncoding = "file.encoding"
    case fileFormat = "file.format"
    case fileUnclaimed = "file.unclaimed"
    case fileUnreadable = "file.unreadable"
    case idBadCheck = "id.bad_check"
    case idBadDate = "id.bad_date"
    case idCentenarian = "id.centenarian"
    case idMalformed = "id.malformed"
    case idPrecisionLost = "id.precision_lost"
    case idReformatted = "id.reformatted"
    case idUnknownRegion = "id.unknown_region"
    case idUpgraded = "id.upgraded"
    case linkIdTwoNames = "link.id_two_names"
    case linkN1Conflict = "link.n1_conflict"
    case linkPhoneManyNames = "link.phone_many_names"
    case nameAnnotation = "name.annotation"
    case phoneInvalid = "phone.invalid"
    case poorProbable = "poor.probable"
    case poorVariantName = "poor.variant_name"
    case registryDuplicateId = "registry.duplicate_id"
    case registryLifted = "registry.lifted"
    case registryLongId = "registry.long_id"
    case registryNoHeader = "registry.no_header"
    case registryRemoved = "registry.removed"
    case rowBlank = "row.blank"
    case rowNoPerson = "row.no_person"
    case rowSignOff = "row.sign_off"
    case rowTotal = "row.total"
    case sessionBySubmission = "session.by_submission"
    case sessionNoDate = "session.no_date"
    case sheetHidden = "sheet.hidden"
    case sheetNoHeader = "sheet.no_header"
    case sheetNoPersonColumn = "sheet.no_person_column"
    case sheetNotAList = "sheet.not_a_list"
    case sheetNotData = "sheet.not_data"
    case sheetSkipped = "sheet.skipped"
    case sheetUnreadable = "sheet.unreadable"
    case stationCommunity = "station.community"
    case stationNoTown = "station.no_town"
    case stationPrefixMatch = "station.prefix_match"
    case stationUnknownTown = "station.unknown_town"
    case stationUnmatched = "station.unmatched"
    case stationsNoHeader = "stations.no_header"
    case villageDuplicate = "village.duplicate"
    case villagesIncomplete = "villages.incomplete"
    case villagesNoHeader = "villages.no_header"

    /// Whether the finding means a whole file or sheet could not be used, so the figures that
    /// depend on it cannot be trusted: `check` stops on these.
    public var blocksEvaluation: Bool {
        switch self {
        case .fileUnreadable, .sheetUnreadable, .sheetNoHeader, .sheetNoPersonColumn, .villagesNoHeader, .stationsNoHeader, .registryNoHeader: true
        default: false
        }
    }
}
