/// CaviarStreaming: see DESIGN.md for this layer.
enum CaviarStreamingModule {}
