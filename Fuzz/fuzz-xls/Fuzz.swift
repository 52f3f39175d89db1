import FuzzSupport

// libFuzzer harness for the xls reader; see Fuzz/FuzzSupport/Harness.swift.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    Harness.run(data, size, extension: "xls")
}
#else
@main struct Replay {
    static func main() { Harness.replay(extension: "xls") }
}
#endif
