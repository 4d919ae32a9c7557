"""Distances and service areas, with the standard library only (no GIS stack offline)."""

import json
import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) pairs, as GeoJSON writes them


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    @property
    def valid(self) -> bool:
        return -90 <= self.latitude <= 90 and -180 <= self.longitude <= 180


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Area:
    """A service area: polygons (outer ring, holes) and their bounding box."""

    polygons: tuple[tuple[Ring, ...], ...]
    south: float
    west: float
    north: float
    east: float

    def contains(self, point: Point) -> bool:
        if not (
            self.south <= point.latitude <= self.north and self.west <= point.longitude <= self.east
        ):
            return False
        for outer, *holes in self.polygons:
            if _in_ring(point, outer) and not any(_in_ring(point, hole) for hole in holes):
                return True
        return False

    @property
    def centre(self) -> Point:
        return Point((self.south + self.north) / 2, (self.west + self.east) / 2)


def parse_extent(extent: str) -> Area | None:
    """A GeoJSON Polygon or MultiPolygon (bare, or in a Feature); None when it is neither."""
    try:
        shape = json.loads(extent)
    except (json.JSONDecodeError, TypeError):
        return None
    if isinstance(shape, dict) and shape.get("type") == "Feature":
        shape = shape.get("geometry")
    if not isinstance(shape, dict):
        return None
    coordinates = shape.get("coordinates")
    if not isinstance(coordinates, list):
        return None
    if shape.get("type") == "Polygon":
        raw_polygons = [coordinates]
    elif shape.get("type") == "MultiPolygon":
        raw_polygons = coordinates
    else:
        return None
    try:
        polygons = tuple(
            tuple(tuple((float(x), float(y)) for x, y in ring) for ring in polygon)
            for polygon in raw_polygons
        )
    except (TypeError, ValueError):
        return None
    points = [p for polygon in polygons for ring in polygon for p in ring]
    if not polygons or any(len(ring) < 4 for polygon in polygons for ring in polygon):
        return None
    longitudes = [p[0] for p in points]
    latitudes = [p[1] for p in points]
    return Area(polygons, min(latitudes), min(longitudes), max(latitudes), max(longitudes))


def _in_ring(point: Point, ring: Ring) -> bool:
    # Ray casting; the ring is small (an administrative area), so the plane is a fair model.
    x, y = point.longitude, point.latitude
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside
