"""Edition -> EPUB 3: the package, its cover picture and its font subsets."""
