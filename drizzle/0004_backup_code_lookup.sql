DROP INDEX "backup_codes_user_idx";--> statement-breakpoint
ALTER TABLE "backup_codes" ADD COLUMN "lookup" text;--> statement-breakpoint
CREATE INDEX "backup_codes_user_lookup_idx" ON "backup_codes" USING btree ("user_id","lookup");