"""Web plumbing: headers, errors, logs, assets, languages, forms, redirects, health, the audit hook.
Knows Flask; knows nothing about plans or families."""
