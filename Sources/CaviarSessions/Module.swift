/// CaviarSessions: see DESIGN.md for this layer.
enum CaviarSessionsModule {}
