// Types of the generated standalone validator (scripts/build-layer-validator.mjs).
export interface ValidationError {
  instancePath: string;
  message?: string;
}
export declare const validate: ((data: unknown) => boolean) & { errors?: ValidationError[] | null };
export default validate;
