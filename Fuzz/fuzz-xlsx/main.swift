import FuzzSupport

// libFuzzer harness for the xlsx reader; see Fuzz/FuzzSupport/Harness.swift.
Harness.main(extension: "xlsx")
