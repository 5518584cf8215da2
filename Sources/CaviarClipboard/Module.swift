/// CaviarClipboard: see DESIGN.md for this layer.
enum CaviarClipboardModule {}
