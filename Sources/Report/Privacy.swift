import Roster

/// What the workbook shows of ID numbers and phones, with or without `maskPII`.
struct Privacy {
    var mask: Bool

    func id(_ id: IDNumber?) -> String {
        guard let id else { return "" }
        if mask { return id.masked }
        return id.isUsable ? id.value : id.raw
    }

    func phone(_ phone: Phone?) -> String {
        guard let phone else { return "" }
        return mask ? phone.masked : phone.digits
    }

    /// Free text (topics, places, station names, messages) with any ID- or phone-like run of
    /// digits masked when publishing: the clerk may have typed one anywhere, with or without
    /// separators. Shorter runs (dates in file names) stay readable.
    func text(_ text: String) -> String {
        mask ? Redaction.mask(text, minimumDigits: 11) : text
    }
}
