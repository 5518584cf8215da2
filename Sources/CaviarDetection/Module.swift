/// CaviarDetection: see DESIGN.md for this layer.
enum CaviarDetectionModule {}
