"""The REST API of the open data (django-ninja): public reads, organisers' writes by token.

OpenAPI 3.1 at ``/api/openapi.json``, interactive documentation at ``/api/docs``.
"""
