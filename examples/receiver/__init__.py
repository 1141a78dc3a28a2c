"""A reference receiver: a small stand-in for a specialist procedure (Fachverfahren).

It receives Amtsweg submissions by push (Standard Webhooks) or pulls them from
the caseworker API, checks them against the published schemas and the files'
SHA-256, stores them as cases and acknowledges each with its case number.
See README.md beside this file and docs/api.md.
"""
