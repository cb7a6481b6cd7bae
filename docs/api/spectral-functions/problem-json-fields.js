// /core/problem-details: a problem+json schema names type, title, status and detail
// (status an integer); Spectral gives this function the resolved schema.
const REQUIRED = ["type", "title", "status", "detail"];

module.exports = (schema) => {
  const properties = (schema && schema.properties) || {};
  const missing = REQUIRED.filter((name) => !(name in properties));
  const results = missing.map((name) => ({ message: `problem+json schema lacks \`${name}\`` }));
  if (properties.status && properties.status.type !== "integer") {
    results.push({ message: "problem+json `status` must be an integer" });
  }
  return results;
};
