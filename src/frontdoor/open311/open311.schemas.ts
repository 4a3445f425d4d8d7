/**
 * JSON Schemas of GeoReport v2's answers, written from the specification
 * (http://wiki.open311.org/GeoReport_v2) and the service request updates of the widely used
 * extension. Required members are those the specification always returns; dates are W3C
 * date-times with a time zone. Tests validate every answer against them.
 */
const W3C = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const dateTime = { type: 'string', pattern: W3C } as const;
const optionalDateTime = { type: 'string', anyOf: [{ pattern: W3C }, { maxLength: 0 }] } as const;
const text = { type: 'string' } as const;

const strict = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

export const DISCOVERY_SCHEMA = strict(
  {
    changeset: dateTime,
    contact: text,
    key_service: text,
    endpoints: {
      type: 'array',
      minItems: 1,
      items: strict(
        {
          specification: { type: 'string', const: 'http://wiki.open311.org/GeoReport_v2' },
          url: { type: 'string', pattern: '^https?://' },
          changeset: dateTime,
          type: { enum: ['production', 'test'] },
          formats: { type: 'array', items: { enum: ['text/xml', 'application/json'] }, minItems: 1 },
        },
        ['specification', 'url', 'changeset', 'type', 'formats'],
      ),
    },
  },
  ['changeset', 'contact', 'key_service', 'endpoints'],
);

export const SERVICES_SCHEMA = {
  type: 'array',
  items: strict(
    {
      service_code: { type: 'string', minLength: 1 },
      service_name: { type: 'string', minLength: 1 },
      description: text,
      metadata: { type: 'boolean' },
      type: { enum: ['realtime', 'batch', 'blackbox'] },
      keywords: text,
      group: text,
    },
    ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  ),
};

export const SERVICE_DEFINITION_SCHEMA = strict(
  {
    service_code: { type: 'string', minLength: 1 },
    attributes: {
      type: 'array',
      items: strict(
        {
          variable: { type: 'boolean' },
          code: { type: 'string', minLength: 1 },
          datatype: { enum: ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] },
          required: { type: 'boolean' },
          datatype_description: text,
          order: { type: 'integer', minimum: 1 },
          description: text,
          values: {
            type: 'array',
            items: strict({ key: { type: 'string', minLength: 1 }, name: text }, ['key', 'name']),
          },
        },
        ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description'],
      ),
    },
  },
  ['service_code', 'attributes'],
);

export const SERVICE_REQUESTS_SCHEMA = {
  type: 'array',
  items: strict(
    {
      service_request_id: { type: 'string', minLength: 1 },
      status: { enum: ['open', 'closed'] },
      status_notes: text,
      service_name: text,
      service_code: { type: 'string', minLength: 1 },
      description: { type: 'string', maxLength: 4000 },
      agency_responsible: text,
      service_notice: text,
      requested_datetime: dateTime,
      updated_datetime: dateTime,
      expected_datetime: optionalDateTime,
      address: text,
      address_id: text,
      zipcode: text,
      lat: { type: ['number', 'null'], minimum: -90, maximum: 90 },
      long: { type: ['number', 'null'], minimum: -180, maximum: 180 },
      media_url: text,
      // Jointly's extension, for a client with a key of the holder, handler or taker: every
      // attribute the client answered, as kept on the case.
      attributes: {
        type: 'array',
        items: strict({ code: { type: 'string', minLength: 1 }, value: text }, ['code', 'value']),
      },
    },
    ['service_request_id', 'status', 'service_code', 'requested_datetime', 'lat', 'long'],
  ),
};

/** The answer to POST requests: the new request's id (or a token to ask for it later). */
export const NEW_REQUEST_SCHEMA = {
  type: 'array',
  minItems: 1,
  maxItems: 1,
  items: {
    ...strict(
      {
        service_request_id: { type: 'string', minLength: 1 },
        token: { type: 'string', minLength: 1 },
        service_notice: text,
        account_id: text,
      },
      [],
    ),
    anyOf: [{ required: ['service_request_id'] }, { required: ['token'] }],
  },
};

export const TOKENS_SCHEMA = {
  type: 'array',
  items: strict(
    { service_request_id: { type: 'string', minLength: 1 }, token: { type: 'string', minLength: 1 } },
    ['token'],
  ),
};

export const UPDATES_SCHEMA = {
  type: 'array',
  items: strict(
    {
      update_id: { type: 'string', minLength: 1 },
      service_request_id: { type: 'string', minLength: 1 },
      status: {
        enum: [
          'OPEN',
          'CLOSED',
          'FIXED',
          'IN_PROGRESS',
          'ACTION_SCHEDULED',
          'INVESTIGATING',
          'DUPLICATE',
          'NOT_COUNCILS_RESPONSIBILITY',
          'NO_FURTHER_ACTION',
          'INTERNAL_REFERRAL',
        ],
      },
      updated_datetime: dateTime,
      description: text,
      media_url: text,
    },
    ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description'],
  ),
};

export const NEW_UPDATE_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: strict({ update_id: { type: 'string', minLength: 1 } }, ['update_id']),
};

export const ERRORS_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: strict(
    { code: { type: 'integer', minimum: 400, maximum: 599 }, description: { type: 'string', minLength: 1 } },
    ['code', 'description'],
  ),
};
