"""JSON API of this app, mounted under /api/ by wenjiuye.api."""

from ninja import Router

router = Router()
