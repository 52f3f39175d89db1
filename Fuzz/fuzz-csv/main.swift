import FuzzSupport

// libFuzzer harness for the csv reader; see Fuzz/FuzzSupport/Harness.swift.
Harness.main(extension: "csv")
