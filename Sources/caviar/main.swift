print("caviar")
