/// DictionaryAutomaton: see DESIGN.md for this layer.
enum DictionaryAutomatonModule {}
