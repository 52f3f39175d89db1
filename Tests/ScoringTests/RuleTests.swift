import Testing
@testable import Scoring
