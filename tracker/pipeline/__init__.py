"""pipeline: one check of endpoints, and what watches over it.

Takes source declarations, gives EndpointReports: fetch -> classify -> extract -> expectations ->
store -> outbox; plus endpoint health, staleness and the doctor.
"""
