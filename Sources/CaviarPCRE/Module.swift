/// CaviarPCRE: see DESIGN.md for this layer.
enum CaviarPCREModule {}
