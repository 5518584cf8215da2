/// CaviarMail: see DESIGN.md for this layer.
enum CaviarMailModule {}
