import SheetIO
print("bench")
