"""Benchmarks: the real API against a bare FastAPI + asyncpg baseline running the same SQL (see README.md)."""
