ALTER TABLE "prediction_log" ALTER COLUMN "features" SET DATA TYPE text USING "features"::text;--> statement-breakpoint
ALTER TABLE "prediction_log" ALTER COLUMN "output" SET DATA TYPE text USING "output"::text;
