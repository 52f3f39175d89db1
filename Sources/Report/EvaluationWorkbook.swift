import Roster
import SheetIO

/// The filled self-evaluation workbook (考评自评表): the official index with 自评得分, the
/// metrics behind it, the evidence sheets and charts.
///
///     try EvaluationWorkbook.write(evaluation, evidence: evidence, to: "out/乐昌市-自评表.xlsx",
///                                  maskPII: false, inputs: configuredInputs)
public enum EvaluationWorkbook {
    /// The sheets, in order.
    public static let sheetNames = [
        IndexSheet.name, MetricsSheet.name,
        EvidenceSheets.names.sessions, EvidenceSheets.names.people, EvidenceSheets.names.poor, EvidenceSheets.names.poorOther,
        EvidenceSheets.names.coverage, EvidenceSheets.names.stationsApart, EvidenceSheets.names.reviews, EvidenceSheets.names.findings,
        ChartSheet.name,
    ]

    /// Writes the workbook for one table of results (the `Evaluation` entry point builds it).
    ///
    /// The file is written beside the target under a temporary name and renamed over it only
    /// when complete, so an existing output survives a failed write.
    static func write(_ table: ScoreTable, evidence: Evidence, to path: String, maskPII: Bool, inputs: [String],
                      base: String? = nil) throws {
        // Every file the evidence was read from is an input too, whatever the caller passed.
        let sources = Set(evidence.sheets.map(\.source.file)).sorted()
        let writer = try XLSXWriter(path: path, refusing: inputs + sources)
        let metrics = MetricsSheet(table: table, extraDefinitions: definitions(evidence))
        try IndexSheet(table: table, metricRows: metrics.rows).write(to: writer)
        try metrics.write(to: writer)
        try EvidenceSheets(evidence: evidence, privacy: Privacy(mask: maskPII), writer: writer, base: base).writeAll()
        try ChartSheet(table: table, evidence: evidence).write(to: writer)
        try writer.close()
    }

    /// The counts behind each definition (the definitions themselves come with the scores).
    static func definitions(_ evidence: Evidence) -> [String] {
        let a = evidence.attendance
        let r = evidence.registry
        let c = evidence.coverage
        var lines: [String] = [
            "培训人次的计数：签到表中写有姓名或身份证号的行共 \(a.signinRows) 行，去掉同一人在同一场次的重复签到 \(a.duplicateSignins) 行，"
                + "计 \(a.personTimes) 人次；涉及 \(a.persons.count) 人、\(a.sessions.count) 个培训场次。",
            "有劳动能力的建档立卡贫困人口的计数："
                + (r.removed.isEmpty ? "" : "名单中标为已减少（死亡、注销等）的 \(r.removed.count) 人先行除去；")
                + "名单中符合上述口径的 \(r.laborPopulation.count) 人"
                + (r.settings.confirmedLaborPopulation.map { "，分母采用扶贫部门确认数 \($0) 人" } ?? "，即分母")
                + "；其中参加培训 \(r.trainedLabor.count) 人，另有 \(r.trainedOther.count) 名参训的建档立卡人员不属劳动力人口，单独列出。",
            "行政村的计数：清单中的行政村 \(c.adminVillages) 个（居委会、社区不计），有村级站点的 \(c.villagesWithStation) 个；"
                + "省定贫困村 \(c.poorVillages) 个，有站点的 \(c.poorVillagesWithStation) 个；"
                + "镇级或社区站点 \(c.townLevelStations.count) 个、无法对应行政村的站点 \(c.unmatchedStations.count) 个不计入。",
        ]
        // R6 (one ID, several names) is counted as one person until decided; the rest apart.
        let open = a.reviews.filter { $0.decision == nil && $0.rule != "R6" }.count
        let openID = a.reviews.filter { $0.decision == nil && $0.rule == "R6" }.count
        let confirmed = a.reviews.filter { $0.decision != nil }.count
        if open > 0 {
            lines.append("另有 \(open) 组记录无法确定是否同一人，已列入「待核查」表，未合并计算。")
        }
        if openID > 0 {
            lines.append("另有 \(openID) 个身份证号写了不同的姓名，暂按同一人计，已列入「待核查」表。")
        }
        if confirmed + a.separated.count > 0 {
            lines.append("经人工核查：\(confirmed) 组确认为同一人，已合并计算（「待核查」表中注明）；\(a.separated.count) 组确认不是同一人，分开计算。")
        }
        return lines
    }
}
