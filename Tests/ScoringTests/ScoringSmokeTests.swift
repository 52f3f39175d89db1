import XCTest
@testable import Scoring

// Replaced by the module's real tests.
final class ScoringSmokeTests: XCTestCase {}
