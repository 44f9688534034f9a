"""The hooks through which apps above the catalog add to its product page."""

# A hook: ``fn(request, product) -> str`` of safe HTML (or "") shown on the product page.
PRODUCT_PANELS_HOOK = "catalog_product_page_panels"
# A hook: ``fn(request, product) -> {"html": safe HTML, "json_ld": {...}}`` (or None): a section
# under the description (buyers' reviews), and what it adds to the product's JSON-LD.
PRODUCT_SECTIONS_HOOK = "catalog_product_page_sections"
