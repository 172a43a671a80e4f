/**
 * The styles a person can ask for, `{id, name, description}`, in the order a picker shows them.
 * Declared once here for the API (`GET /api/styles`, the `style` of `POST /api/jobs`), the web
 * app and the pipeline. The model container keeps its own registry (it imports no ArtAI
 * package); `packages/local/test/styles.test.ts` keeps the two equal.
 */
export const STYLES = [
  {
    id: "photo",
    name: "Photo",
    description: "Your photo, re-lit and re-graded, with detail the model paints back in.",
  },
  {
    id: "oil",
    name: "Oil paint",
    description: "Thick brush strokes that follow the picture's shapes, with lit ridges of paint.",
  },
  {
    id: "watercolour",
    name: "Watercolour",
    description: "Soft transparent washes on textured paper, darker where each wash dries.",
  },
  {
    id: "pencil",
    name: "Pencil sketch",
    description: "Graphite contours and cross-hatching on toothed paper.",
  },
  {
    id: "print",
    name: "Screen print",
    description: "Flat posterised inks in halftone dots, slightly out of register.",
  },
  {
    id: "surprise",
    name: "Surprise me",
    description: "A different medium for each variation.",
  },
] as const;

export type Style = (typeof STYLES)[number]["id"];
export const STYLE_IDS = STYLES.map((s) => s.id) as [Style, ...Style[]];
export const DEFAULT_STYLE: Style = "photo";
/** The preview of each style in the web app's picker (rendered once by the real model). */
export const stylePreviewPath = (style: Style) => `/styles/${style}.webp`;
