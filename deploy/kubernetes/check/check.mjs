// Checks Kubernetes manifests without a cluster: each document against the JSON schema of its kind
// (kubernetes-models, generated from the Kubernetes OpenAPI: types, required fields, formats), and
// strictly, as `kubectl apply --validate=strict` would on a server: a field the kind does not have
// (a typo such as `hostNetwrok`) is an error, where the schemas alone let it pass and the API server
// would drop it. Field lists come from @kubernetes/client-node, generated from the same OpenAPI.
//   npm ci && node check.mjs ../room.yaml [more.yaml …]
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import * as client from "@kubernetes/client-node";

async function schemaErrors(doc) {
  const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : [null, doc.apiVersion];
  const models = await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  const Model = models[doc.kind];
  if (!Model) {
    return [`no kind ${doc.kind} in ${doc.apiVersion}`];
  }
  try {
    new Model(doc).validate();
    return [];
  } catch (error) {
    return [error.message];
  }
}

function unknownFields(value, type, path, errors) {
  if (value === null || value === undefined) {
    return errors;
  }
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    value.forEach((item, i) => unknownFields(item, array[1], `${path}[${i}]`, errors));
    return errors;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    Object.entries(value).forEach(([key, item]) => unknownFields(item, map[1], `${path}.${key}`, errors));
    return errors;
  }
  const model = client[type];
  if (typeof model?.getAttributeTypeMap !== "function" || typeof value !== "object") {
    return errors; // a string, number, quantity, int-or-string …
  }
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    if (fields.has(key)) {
      unknownFields(item, fields.get(key), `${path}.${key}`, errors);
    } else {
      errors.push(`${path}.${key}: ${type} has no such field`);
    }
  }
  return errors;
}

let failures = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d)) {
    const name = `${file}: ${doc.kind} ${doc.metadata?.name}`;
    const version = doc.apiVersion.split("/").pop();
    const type = version.charAt(0).toUpperCase() + version.slice(1) + doc.kind;
    const errors = [...(await schemaErrors(doc)), ...unknownFields(doc, type, doc.kind, [])];
    if (typeof client[type]?.getAttributeTypeMap !== "function") {
      errors.push(`${type}: no field list to check against`);
    }
    console.log(errors.length ? `${name}: ${errors.join("; ")}` : `${name}: valid`);
    failures += errors.length ? 1 : 0;
  }
}
process.exit(failures ? 1 : 0);
