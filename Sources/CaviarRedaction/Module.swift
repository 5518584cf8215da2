/// CaviarRedaction: see DESIGN.md for this layer.
enum CaviarRedactionModule {}
