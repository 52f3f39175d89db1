import FuzzSupport

// libFuzzer harness for the xls reader; see Fuzz/FuzzSupport/Harness.swift.
Harness.main(extension: "xls")
