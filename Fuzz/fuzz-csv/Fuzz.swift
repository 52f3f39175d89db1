import FuzzSupport

// libFuzzer harness for the csv reader; see Fuzz/FuzzSupport/Harness.swift.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    Harness.run(data, size, extension: "csv")
}
#else
@main struct Replay {
    static func main() { Harness.replay(extension: "csv") }
}
#endif
