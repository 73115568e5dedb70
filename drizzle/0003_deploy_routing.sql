ALTER TABLE "deployments" ADD COLUMN "traffic_percent" integer;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "shadow" boolean DEFAULT false NOT NULL;