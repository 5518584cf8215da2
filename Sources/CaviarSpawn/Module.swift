/// CaviarSpawn: see DESIGN.md for this layer.
enum CaviarSpawnModule {}
