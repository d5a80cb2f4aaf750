"""Customers sub-router (see api/customers/router.py)."""

from fastapi import APIRouter

router = APIRouter(tags=["customers"])
