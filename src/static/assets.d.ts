// Files imported `with { type: "file" }` are paths (real ones in development, inside the binary
// once compiled).
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.svg" {
  const path: string;
  export default path;
}
declare module "*.js" {
  const path: string;
  export default path;
}
