"""Intake: everything a package passes through inside the /sendEdoc request.

pipeline.py lists the stages in order; check.py (shared with ``axis validate``) holds the
offline checks. Nothing here imports aiohttp (docs/architecture.md: api -> intake -> store).
"""
