import XCTest
@testable import Report

// Replaced by the module's real tests.
final class ReportSmokeTests: XCTestCase {}
