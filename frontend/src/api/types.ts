// Short names for the generated schemas the screens use; every type still comes from the contract.
import type { components, operations } from "./schema";

type Schemas = components["schemas"];

export type Me = Schemas["Me"];
export type MeUpdate = Schemas["MeUpdate"];
export type UserRead = Schemas["UserRead"];
export type Colleague = Schemas["Colleague"];
export type CustomerSummary = Schemas["CustomerSummary"];
export type CustomerRead = Schemas["CustomerRead"];
export type CustomerCreate = Schemas["CustomerCreate"];
export type CustomerUpdate = Schemas["CustomerUpdate"];
export type CustomFieldRead = Schemas["CustomFieldRead"];
export type StageMoveRead = Schemas["StageMoveRead"];
export type ContactRead = Schemas["ContactRead"];
export type CustomerValueRead = Schemas["CustomerValueRead"];
export type StrategyRead = Schemas["StrategyRead"];
export type DuplicateSuggestion = Schemas["DuplicateSuggestion"];
export type EmailIn = Schemas["EmailIn"];
export type PhoneIn = Schemas["PhoneIn"];
export type ConsentIn = Schemas["ConsentIn"];

export type CustomerListQuery = NonNullable<operations["customers:list"]["parameters"]["query"]>;
export type Stage = CustomerSummary["stage"];
export type Tier = NonNullable<CustomerSummary["importance_tier"]>;
export type Kind = CustomerSummary["kind"];
