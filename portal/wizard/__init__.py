"""The citizen wizard: catalogue, start page, steps, check answers, confirmation, drafts."""

from flask import Blueprint

bp = Blueprint("wizard", __name__)

from . import finish, gone, presenters, views  # noqa: E402,F401 - registers the routes and helpers
