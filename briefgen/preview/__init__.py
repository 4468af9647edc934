"""The live preview behind `briefgen serve`: workspace state, pages, the HTTP server."""
