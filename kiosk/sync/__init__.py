"""Sync engine: reconciles the local store with the central service over HTTP (httpx). Qt-free."""
