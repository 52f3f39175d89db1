import SheetIO
print("kaoping")
