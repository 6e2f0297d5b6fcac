import VetterCore
