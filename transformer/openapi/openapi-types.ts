/**
 * The parts of an OpenAPI 3.1 document that jitar writes. Schemas are standard JSON Schema (draft 2020-12,
 * OpenAPI 3.1's dialect): plain JSON objects, built by the modules beside this one.
 */
export type OpenApiSchema = { [keyword: string]: unknown };

export interface OpenApiParameter
{
    name: string;
    in: 'query' | 'header';
    required: boolean;
    description?: string;
    schema: OpenApiSchema;
}

export interface OpenApiMediaType
{
    schema: OpenApiSchema;
}

export interface OpenApiResponse
{
    description: string;
    headers?: Record<string, { description: string; schema: OpenApiSchema }>;
    content?: Record<string, OpenApiMediaType>;
}

export type OpenApiResponseOrRef = OpenApiResponse | { $ref: string };

export interface OpenApiOperation
{
    operationId: string;
    summary: string;
    description: string;
    tags: string[];
    parameters: OpenApiParameter[];
    requestBody?: { required: boolean; content: Record<string, OpenApiMediaType> };
    responses: Record<string, OpenApiResponseOrRef>;
    security?: Record<string, string[]>[];
    /** Ours: the other versions served at the same path, with their argument and result schemas. */
    'x-jitar-versions'?: Record<string, { access: string; arguments: OpenApiSchema; result: OpenApiSchema }>;
}

export interface OpenApiDocument
{
    openapi: '3.1.0';
    info: { title: string; version: string; description: string };
    paths: Record<string, { get?: OpenApiOperation; post?: OpenApiOperation }>;
    components: {
        schemas: Record<string, OpenApiSchema>;
        responses: Record<string, OpenApiResponse>;
        securitySchemes: Record<string, { type: 'apiKey'; in: 'header'; name: string; description: string }>;
    };
    tags: { name: string; description: string }[];
}
