"""The IRS's own fillable PDFs (US government works, public domain), shipped as package data.

``f8949-YYYY.pdf`` is Form 8949 and ``f1040sd-YYYY.pdf`` is Schedule D for tax year YYYY, unchanged.
"""
