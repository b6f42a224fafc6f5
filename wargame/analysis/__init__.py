"""Analysis: many seeded games in parallel, summarised (endings, scores, tracks, moves)."""
