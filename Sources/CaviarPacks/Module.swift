/// CaviarPacks: see DESIGN.md for this layer.
enum CaviarPacksModule {}
